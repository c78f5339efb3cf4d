output "ids" {
  value = aws_instance.web[*].id
}

output "legacy_ids" {
  value = aws_instance.web.*.id
}

output "first_private_ip" {
  value = aws_instance.web[0].private_ip
}

output "legacy_index" {
  value = aws_instance.web.0.private_ip
}

output "nested" {
  value = data.aws_subnet.s[*].tags["Name"]
}

output "keyed" {
  value = aws_kms_key.by_name["primary"].arn
}

output "each" {
  value = { for k, key in aws_kms_key.by_name : k => key.arn }
}

output "attr_splat_then_index" {
  value = aws_instance.web.*.id[0]
}

output "call_then_attr" {
  value = element(aws_subnet.private, 0).id
}

output "paren_then_index" {
  value = (var.list)[0]
}

output "splat_chain" {
  value = var.objects[*].children[*].name
}

output "sensitive_value" {
  value     = module.secrets.secret_arn
  sensitive = true
  depends_on = [
    aws_secretsmanager_secret_policy.p,
  ]
}
