// The compiled service catalog: lookups by name (any case), wildcards, keys and their patterns,
// ARN formats against Resource entries.
#include <doctest/doctest.h>

#include "threegate/catalog.hpp"

using namespace threegate::catalog;

TEST_CASE("catalog: services, actions and wildcards") {
  CHECK(info().version.size() > 0);
  CHECK(version_line().find(std::string(info().date)) != std::string::npos);
  const auto kms = find_service("KMS");
  REQUIRE(kms);
  CHECK(kms->prefix() == "kms");
  const auto decrypt = find_action("kms:decrypt");
  REQUIRE(decrypt);
  CHECK(decrypt->full_name() == "kms:Decrypt");
  CHECK(decrypt->service().prefix() == "kms");
  CHECK(!decrypt->needs_star_resource());
  CHECK(decrypt->resource_type(0).arn_format() == "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}");
  CHECK(find_action("kms:CreateKey")->needs_star_resource());
  CHECK(!find_action("kms:Decrypts"));
  CHECK(!find_action("nosuchservice:Get"));
  CHECK(match_actions("kms:Decrypt*").size() >= 1);
  CHECK(match_actions("kms:Decrpyt*").empty());
  CHECK(match_actions("secrets*:GetSecretValue").size() == 1);
  CHECK(suggest_action(*find_service("secretsmanager"), "GetSecretValues") == "secretsmanager:GetSecretValue");
  CHECK(suggest_service("secretmanager") == "secretsmanager");
  CHECK(!suggest_service("zzzzzzzzzzzz"));
}

TEST_CASE("catalog: condition keys, global keys and patterns") {
  CHECK(find_condition_key("aws:SecureTransport")->type == KeyType::Bool);
  CHECK(find_condition_key("aws:securetransport")->global);
  CHECK(find_condition_key("aws:PrincipalTag/team"));
  CHECK(find_condition_key("aws:RequestTag/env"));
  CHECK(find_condition_key("kms:EncryptionContext:SecretARN"));
  CHECK(find_condition_key("secretsmanager:ResourceTag/team"));
  CHECK(find_condition_key("s3:ExistingObjectTag/team"));
  CHECK(find_condition_key("kms:ViaService")->type == KeyType::String);
  CHECK(is_multivalued(find_condition_key("aws:TagKeys")->type));
  CHECK(!find_condition_key("kms:ViaServices"));
  CHECK(!find_condition_key("aws:NoSuchKey"));
  CHECK(find_action("kms:Decrypt")->supports_key("kms:EncryptionContext:SecretARN"));
  CHECK(!find_action("secretsmanager:GetSecretValue")->supports_key("kms:ViaService"));
  CHECK(key_pattern_matches("kms:EncryptionContext:${EncryptionContextKey}", "KMS:encryptioncontext:x"));
  CHECK(!key_pattern_matches("kms:EncryptionContext:${EncryptionContextKey}", "kms:EncryptionContext:"));
}

TEST_CASE("catalog: ARN formats against Resource entries") {
  const char* object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
  const char* bucket = "arn:${Partition}:s3:::${BucketName}";
  CHECK(arn_format_matches(object, "arn:aws:s3:::logs/*"));
  CHECK(arn_format_matches(object, "*"));
  CHECK(arn_format_matches(object, "arn:aws:s3:::*"));
  CHECK(!arn_format_matches(bucket, "arn:aws:s3:::logs/*"));
  CHECK(arn_format_matches(bucket, "arn:aws:s3:::logs"));
  CHECK(arn_format_matches(bucket, "arn:aws:s3:::${aws:username}"));
  CHECK(!arn_format_matches("arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
                            "arn:aws:secretsmanager:us-east-1:111122223333:secret:x"));
  CHECK(arn_format_matches("arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}",
                           "arn:aws:logs:*:*:log-group:/aws/lambda/app:log-stream:*"));
}
