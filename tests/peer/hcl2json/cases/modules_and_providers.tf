terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
  backend "s3" {
    bucket = "tf-state"
    key    = "shared/secrets.tfstate"
    region = "us-east-1"
  }
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "replica"
  region = "eu-west-1"
  assume_role {
    role_arn = "arn:aws:iam::${var.account_id}:role/terraform"
  }
  default_tags { tags = { ManagedBy = "terraform" } }
}

module "secrets" {
  source = "./modules/secrets"
  providers = {
    aws         = aws
    aws.replica = aws.replica
  }

  name       = "prod/app/db"
  kms_key_id = aws_kms_key.secrets.arn
  readers    = concat(var.readers, ["arn:aws:iam::222222222222:role/app"])
  count      = var.enabled ? 1 : 0
}

module "remote" {
  source   = "git::https://example.com/modules.git//kms?ref=v1.2.0"
  for_each = toset(var.regions)
  region   = each.value
}
