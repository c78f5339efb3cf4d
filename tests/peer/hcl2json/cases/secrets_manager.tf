resource "aws_secretsmanager_secret" "db" {
  name       = "prod/app/db-credentials"
  kms_key_id = aws_kms_key.secrets.arn

  dynamic "replica" {
    for_each = toset(var.replica_regions)
    content {
      region     = replica.value
      kms_key_id = lookup(var.replica_keys, replica.value, null)
    }
  }

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [tags["LastRotated"], description]
  }
}

resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn = aws_secretsmanager_secret.db.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for arn in var.reader_arns : {
      Sid       = "Read${replace(arn, "/[^a-zA-Z0-9]/", "")}"
      Effect    = "Allow"
      Principal = { AWS = arn }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}

resource "aws_iam_role_policy" "reader" {
  count = length(var.reader_arns) > 0 ? 1 : 0
  name  = "read-db-credentials"
  role  = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["secretsmanager:GetSecretValue"], Resource = [aws_secretsmanager_secret.db.arn] },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.secrets.arn,
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.us-east-1.amazonaws.com" } } },
    ]
  })
}
