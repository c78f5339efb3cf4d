// The two requests of a secret read, with the context Secrets Manager and KMS set (semantics §3.1).
#include "gates/read_request.hpp"

namespace threegate {

Request make_read_request(const RequestPrincipal& principal, const SecretRecord& secret, const std::string& region,
                          const std::string& secret_arn) {
  Request r;
  r.principal = principal;
  r.action = "secretsmanager:GetSecretValue";
  r.resource = secret_arn;
  r.resource_account = secret.account;
  (void)region;
  RequestContext& c = r.context;
  c.absent_is_unknown = true;  // static analysis: what we do not set is not known
  c.set("aws:ViaAWSService", "false");
  // Cross-account callers must name the secret by its full ARN (semantics §3.5); in the same
  // account the caller may use the name, so the value is not known.
  if (principal.account != secret.account) {
    c.set("secretsmanager:SecretId", secret_arn);
  } else {
    c.set_unknown("secretsmanager:SecretId");
  }
  add_implicit_context(r);
  return r;
}

Request make_decrypt_request(const RequestPrincipal& principal, const std::string& key_arn,
                             const std::string& key_account, const std::string& region,
                             const std::string& secret_arn, const std::string& partition) {
  Request r;
  r.principal = principal;
  r.action = "kms:Decrypt";
  r.resource = key_arn;
  r.resource_account = key_account;
  RequestContext& c = r.context;
  c.absent_is_unknown = true;
  // The encryption context is exactly {SecretARN, SecretVersionId}: any other context key is absent.
  c.known_prefixes = {"kms:encryptioncontext:", "kms:grantisforawsresource", "kms:grantoperations",
                      "kms:granteeprincipal", "kms:retiringprincipal", "kms:grantconstrainttype"};
  std::string dns_suffix = partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  c.set("kms:ViaService", "secretsmanager." + region + "." + dns_suffix);
  c.set("kms:EncryptionContext:SecretARN", secret_arn);
  c.set_unknown("kms:EncryptionContext:SecretVersionId");  // which version is read is not known statically
  c.set_multi("kms:EncryptionContextKeys", {"SecretARN", "SecretVersionId"});
  c.set("aws:ViaAWSService", "true");
  c.set_multi("aws:CalledVia", {"secretsmanager.amazonaws.com"});
  c.set("aws:CalledViaFirst", "secretsmanager.amazonaws.com");
  c.set("aws:CalledViaLast", "secretsmanager.amazonaws.com");
  add_implicit_context(r);
  return r;
}

}  // namespace threegate
