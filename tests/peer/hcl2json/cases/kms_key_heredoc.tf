resource "aws_kms_key" "legacy" {
  description = "Key whose policy is a heredoc"
  policy      = <<EOF2
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Enable IAM User Permissions",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "Allow use of the key",
      "Effect": "Allow",
      "Principal": {"AWS": ${jsonencode(var.consumer_role_arns)}},
      "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
      "Resource": "*",
      "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.${var.region}.amazonaws.com"}}
    }
  ]
}
EOF2
}

resource "aws_kms_key" "indented" {
  policy = <<-POLICY
    {
      "Version": "2012-10-17",
      "Statement": [{
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::${var.account_id}:root"},
        "Action": "kms:*",
        "Resource": "*"
      }]
    }
  POLICY
}

resource "aws_secretsmanager_secret_policy" "p" {
  secret_arn = aws_secretsmanager_secret.db.arn
  policy     = <<-EOT
	{
	  "Version": "2012-10-17",
	  "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${var.reader}"},
	    "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]
	}
	EOT
}
