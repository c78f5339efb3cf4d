#pragma once

#include "threegate/eval.hpp"
#include "threegate/inventory.hpp"

namespace threegate {

// secretsmanager:GetSecretValue by `principal` on the secret's copy in `region`.
Request make_read_request(const RequestPrincipal& principal, const SecretRecord& secret, const std::string& region,
                          const std::string& secret_arn);

// The kms:Decrypt that Secrets Manager makes as the caller while serving that read.
Request make_decrypt_request(const RequestPrincipal& principal, const std::string& key_arn,
                             const std::string& key_account, const std::string& region,
                             const std::string& secret_arn, const std::string& partition);

}  // namespace threegate
