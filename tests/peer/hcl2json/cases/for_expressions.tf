locals {
  users      = { alice = { admin = true, team = "a" }, bob = { admin = false, team = "b" } }
  admins     = [for name, u in local.users : name if u.admin]
  by_team    = { for name, u in local.users : u.team => name... }
  upper      = { for k, v in var.tags : upper(k) => v }
  arns       = [for id in var.accounts : format("arn:aws:iam::%s:root", id)]
  nested     = [for s in var.subnets : [for c in s.cidrs : cidrsubnet(c, 4, 0)]]
  filtered   = { for k, v in var.map : k => v if v != null && length(v) > 0 }
  pairs      = [for i, v in var.list : "${i}=${v}"]
  multi_line = [
    for r in var.roles :
    r.arn
    if contains(var.allowed, r.name)
  ]
  obj_multi = {
    for r in var.roles :
    r.name => {
      arn  = r.arn
      tags = r.tags
    }
  }
}
