// The AWS-managed key aws/secretsmanager. Its policy cannot be changed, so it is modelled with
// the policy AWS attaches (Id auto-secretsmanager-2): usable only through Secrets Manager in
// the owner's region, by principals of the owner's account.
#include <fmt/format.h>

#include "threegate/inventory.hpp"

namespace threegate {

std::string aws_managed_secretsmanager_key_policy(const std::string& account, const std::string& region,
                                                 const std::string& partition) {
  return fmt::format(R"({{
  "Version": "2012-10-17",
  "Id": "auto-secretsmanager-2",
  "Statement": [
    {{
      "Sid": "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager",
      "Effect": "Allow",
      "Principal": {{"AWS": "*"}},
      "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:CreateGrant", "kms:DescribeKey"],
      "Resource": "*",
      "Condition": {{
        "StringEquals": {{
          "kms:CallerAccount": "{0}",
          "kms:ViaService": "secretsmanager.{1}.amazonaws.com"
        }}
      }}
    }},
    {{
      "Sid": "Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager",
      "Effect": "Allow",
      "Principal": {{"AWS": "*"}},
      "Action": "kms:GenerateDataKey*",
      "Resource": "*",
      "Condition": {{
        "StringEquals": {{"kms:CallerAccount": "{0}"}},
        "StringLike": {{"kms:ViaService": "secretsmanager.*.amazonaws.com"}}
      }}
    }},
    {{
      "Sid": "Allow direct access to key metadata to the account",
      "Effect": "Allow",
      "Principal": {{"AWS": "arn:{2}:iam::{0}:root"}},
      "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
      "Resource": "*"
    }}
  ]
}}
)",
                     account, region, partition);
}

}  // namespace threegate
