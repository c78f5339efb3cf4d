resource "aws_kms_key" "crlf" {
  description = "windows line endings"
  policy = <<-EOT
    {"a": "${var.b}"}
  EOT
  # comment
  list = [
    1,
    2,
  ]
}
