locals {
  a = 1 + 2 * 3
  b = (1 + 2) * 3
  c = 10 - 4 - 3
  d = 2 * 3 % 4 / 5
  e = var.x == 1 || var.y != 2 && var.z
  f = !var.enabled
  g = -var.count
  h = var.a < var.b == var.c >= var.d
  i = var.enabled ? var.primary : var.secondary
  j = var.a ? var.b ? 1 : 2 : var.c ? 3 : 4
  k = length(var.list) > 0 ? var.list[0] : null
  l = -1 + -2
  m = !var.a || !var.b
  n = var.count * -1
  o = "${var.a}-${var.b}" == "x-y"
  p = try(var.map["key"], "default")
  q = coalesce(var.a, var.b, "c")
  r = provider::aws::arn_parse(var.arn).account_id
  s = join(",", var.list...)
  t = [
    1,
    2,
  ]
  u = {
    a = 1,
    b = 2,
  }
  v = { a = 1, b = 2 }
  w = {}
  x = []
  y = (var.a
    + var.b)
}
