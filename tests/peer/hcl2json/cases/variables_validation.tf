variable "region" {
  type        = string
  default     = "us-east-1"
  description = "AWS region"
}

variable "consumers" {
  type = map(object({
    role_arn = string
    org_id   = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for c in values(var.consumers) : can(regex("^arn:aws:iam::[0-9]{12}:role/", c.role_arn))])
    error_message = "Each consumer role_arn must be an IAM role ARN."
  }
}

variable "retention" {
  type    = number
  default = 7
  validation {
    condition     = var.retention >= 7 && var.retention <= 30 || var.retention == 0
    error_message = "Retention must be between 7 and 30 days, or 0."
  }
}

variable "flags" {
  type    = list(bool)
  default = [true, false, !true]
}

variable "numbers" {
  default = [0, 1, -1, 1.5, -2.25, 1e3, 2E-2, 1.5e+2, 007, 123456789]
}

variable "nullable" {
  type     = string
  default  = null
  nullable = true
}

variable "sensitive_map" {
  type      = map(string)
  sensitive = true
  default = {
    "key with spaces" = "v1"
    plain_key         = "v2"
    "quoted:colon"    : "v3"
  }
}
