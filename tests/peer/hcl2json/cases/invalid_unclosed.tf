resource "aws_kms_key" "broken" {
  description = "missing closing brace"
