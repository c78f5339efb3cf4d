#include "terraform_test_util.hpp"

using namespace tf_test;

namespace {

Value json_of(Tree& t, const std::string& address, const char* attr = "json") {
  const Instance* i = t.instance(address);
  REQUIRE_MESSAGE(i, "no instance " << address);
  return t.cfg->reference(*i, attr);
}

}  // namespace

TEST_CASE("terraform: aws_iam_policy_document renders as the provider does") {
  Tree t({{"main.tf", R"(data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Decrypt"
    actions   = ["kms:Decrypt", "kms:DescribeKey", "kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.us-east-1.amazonaws.com"]
    }
  }
  statement {
    effect      = "Deny"
    not_actions = ["kms:*"]
    resources   = ["arn:aws:s3:::b/&{aws:username}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
)"}});
  t.load();
  Value json = json_of(t, "data.aws_iam_policy_document.p");
  CHECK(json.text == R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Decrypt",
      "Effect": "Allow",
      "Action": [
        "kms:DescribeKey",
        "kms:Decrypt"
      ],
      "Resource": "*",
      "Principal": {
        "AWS": "arn:aws:iam::111122223333:root"
      },
      "Condition": {
        "StringEquals": {
          "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"
        }
      }
    },
    {
      "Effect": "Deny",
      "NotAction": "kms:*",
      "Resource": "arn:aws:s3:::b/${aws:username}/*",
      "Principal": "*"
    }
  ]
})");
  Value min = json_of(t, "data.aws_iam_policy_document.p", "minified_json");
  CHECK(min.text.rfind(R"({"Version":"2012-10-17","Statement":[{"Sid":"Decrypt","Effect":"Allow","Action":["kms:DescribeKey",)", 0) == 0);

  // The rendered document keeps the .tf ranges.
  REQUIRE(json.encoded_from);
  const Value& doc = *json.encoded_from;
  const Value& st = doc.find("Statement")->items[0];
  CHECK(line_of(st.range) == 2);
  CHECK(at(st.range).rfind("statement {", 0) == 0);
  CHECK(at(st.find("Sid")->range) == "\"Decrypt\"");
  const Value& actions = *st.find("Action");
  CHECK(line_of(actions.range) == 4);
  CHECK(at(actions.items[0].range) == "\"kms:DescribeKey\"");
  CHECK(at(st.find("Resource")->range) == "\"*\"");
  CHECK(at(st.find("Principal")->find("AWS")->range) == "\"arn:aws:iam::111122223333:root\"");
  CHECK(line_of(st.find("Condition")->range) == 10);
  CHECK(line_of(st.find("Condition")->find("StringEquals")->find("kms:ViaService")->range) == 13);
  CHECK(line_of(doc.find("Statement")->items[1].find("Effect")->range) == 17);
  CHECK(t.messages() == "");
}

TEST_CASE("terraform: aws_iam_policy_document principals, conditions and unknowns") {
  Tree t({{"main.tf", R"(variable "consumer" {}
data "aws_caller_identity" "current" {}
data "aws_iam_policy_document" "p" {
  policy_id = "key-policy"
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root", "arn:aws:iam::${var.consumer}:role/app"]
    }
    principals {
      type        = "Service"
      identifiers = ["secretsmanager.amazonaws.com"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999999999999:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["b", "a"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["c"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}
)"}});
  t.load();
  Value json = json_of(t, "data.aws_iam_policy_document.p");
  REQUIRE(json.encoded_from);
  const Value& doc = *json.encoded_from;
  CHECK(doc.find("Id")->text == "key-policy");
  const Value& st = doc.find("Statement")->items[0];
  // Principal types sorted; identifiers of one block sorted in reverse, blocks appended.
  const std::string self = "arn:aws:iam::" + sym(SymbolKind::Account, "data.aws_caller_identity.current.account_id") + ":root";
  const std::string consumer = "arn:aws:iam::" + sym(SymbolKind::Unknown, "var.consumer") + ":role/app";
  CHECK(show(*st.find("Principal")) == "{AWS=[\"arn:aws:iam::${u:var.consumer}:role/app\",\"arn:aws:iam::${a:data.aws_caller_identity.account_id}:root\",\"arn:aws:iam::999999999999:root\"],Service=\"secretsmanager.amazonaws.com\"}");
  // Condition tests sorted; values keep their order and are appended across blocks.
  CHECK(show(*st.find("Condition")) == "{Bool={aws:SecureTransport=\"true\"},StringEquals={aws:PrincipalTag/team=[\"b\",\"a\",\"c\"]}}");
  CHECK(json.text.find("\"Id\": \"key-policy\"") != std::string::npos);
}

TEST_CASE("terraform: aws_iam_policy_document merges source and override documents") {
  Tree t({{"main.tf", R"(data "aws_iam_policy_document" "base" {
  statement {
    sid       = "A"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "B"
    actions   = ["s3:PutObject"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "merged" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "B", Effect = "Deny", Action = "s3:*", Resource = "*" }]
  })]
  statement {
    sid       = "A"
    actions   = ["s3:ListBucket"]
    resources = ["*"]
  }
  statement {
    actions   = ["sqs:*"]
    resources = ["*"]
  }
}
data "aws_iam_policy_document" "from_text" {
  source_policy_documents = [<<EOF
{"Version": "2012-10-17", "Statement": [{"Sid": "T", "Effect": "Allow", "Action": ["b:x", "a:y"], "Resource": "*",
 "Principal": {"AWS": ["arn:aws:iam::1:root", "arn:aws:iam::2:root"]}, "Condition": {"Bool": {"aws:SecureTransport": ["true"]}}}]}
EOF
  ]
}
)"}});
  t.load();
  Value json = json_of(t, "data.aws_iam_policy_document.merged");
  CHECK(json.text == R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "A",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "*"
    },
    {
      "Sid": "B",
      "Effect": "Deny",
      "Action": "s3:*",
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "sqs:*",
      "Resource": "*"
    }
  ]
})");
  REQUIRE(json.encoded_from);
  const Value& stmts = *json.encoded_from->find("Statement");
  CHECK(line_of(stmts.items[0].range) == 19);  // this document's statement A
  CHECK(line_of(stmts.items[1].range) == 17);  // the override's statement B
  CHECK(at(stmts.items[1].find("Action")->range) == "\"s3:*\"");

  // A source document given as text: its statements point into the heredoc; actions keep
  // their order, principals are sorted in reverse, a one-value condition becomes a string.
  Value text = json_of(t, "data.aws_iam_policy_document.from_text", "minified_json");
  CHECK(text.text ==
        R"({"Version":"2012-10-17","Statement":[{"Sid":"T","Effect":"Allow","Action":["b:x","a:y"],"Resource":"*","Principal":{"AWS":["arn:aws:iam::2:root","arn:aws:iam::1:root"]},"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})");
  REQUIRE(text.encoded_from);
  const Value& st = text.encoded_from->find("Statement")->items[0];
  CHECK(at(st.find("Sid")->range) == "\"T\"");
  CHECK(line_of(st.find("Sid")->range) == 31);
  CHECK(t.messages() == "");
}

TEST_CASE("terraform: policy documents referring to resources and used by resources") {
  Tree t({{"main.tf", R"(provider "aws" { region = "us-east-1" }
variable "consumer_account" {}
resource "aws_kms_key" "k" {
  policy = data.aws_iam_policy_document.key.json
}
resource "aws_secretsmanager_secret" "s" {
  name       = "db"
  kms_key_id = aws_kms_key.k.arn
}
data "aws_iam_policy_document" "key" {
  statement {
    sid     = "AllowConsumer"
    actions = ["kms:Decrypt"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.consumer_account}:root"]
    }
    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:SecretARN"
      values   = [aws_secretsmanager_secret.s.arn]
    }
  }
}
)"}});
  t.load();
  const Instance* k = t.instance("aws_kms_key.k");
  REQUIRE(k);
  Value policy = t.cfg->attribute(*k, "policy");
  REQUIRE(policy.is_string());
  REQUIRE(policy.encoded_from);
  const Value& cond = *policy.encoded_from->find("Statement")->items[0].find("Condition");
  const Value* arn = cond.find("StringEquals")->find("kms:EncryptionContext:SecretARN");
  REQUIRE(arn);
  CHECK(arn->text == t.cfg->reference(*t.instance("aws_secretsmanager_secret.s"), "arn").text);
  CHECK(t.messages() == "");
}
