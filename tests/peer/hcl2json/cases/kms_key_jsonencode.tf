# A customer-managed key shared with a consumer account through Secrets Manager.
data "aws_caller_identity" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  consumer_ids = ["222222222222", "333333333333"]
  key_admins   = [for name in var.admin_roles : "arn:aws:iam::${local.account_id}:role/${name}"]
}

resource "aws_kms_key" "secrets" {
  description             = "Key for shared database credentials"
  deletion_window_in_days = 30
  enable_key_rotation     = true
  multi_region            = false

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableRootPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid    = "AllowConsumersViaSecretsManager"
        Effect = "Allow"
        Principal = {
          AWS = [for id in local.consumer_ids : "arn:aws:iam::${id}:root"]
        }
        Action = ["kms:Decrypt", "kms:DescribeKey"]
        Resource = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = "secretsmanager.${var.region}.amazonaws.com"
            "kms:CallerAccount" = local.consumer_ids
          }
        }
      },
    ]
  })

  tags = merge(var.tags, { Name = "shared-secrets", "cost-center" = 42 })
}

resource "aws_kms_alias" "secrets" {
  name          = "alias/shared-secrets"
  target_key_id = aws_kms_key.secrets.key_id
}
