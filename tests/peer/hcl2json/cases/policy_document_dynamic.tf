data "aws_iam_policy_document" "key" {
  statement {
    sid       = "Root"
    effect    = "Allow"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = var.consumers
    iterator = consumer
    content {
      sid       = "Consumer${consumer.key}"
      effect    = "Allow"
      actions   = ["kms:Decrypt"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = [consumer.value.role_arn]
      }
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${data.aws_region.current.name}.amazonaws.com"]
      }
      dynamic "condition" {
        for_each = consumer.value.org_id != null ? [consumer.value.org_id] : []
        content {
          test     = "StringEquals"
          variable = "aws:PrincipalOrgID"
          values   = [condition.value]
        }
      }
    }
  }
}

resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.key.json
}
