locals {
  greeting   = "Hello, %{ if var.name != "" }${var.name}%{ else }stranger%{ endif }!"
  list       = "%{ for i, s in var.items }${i}: ${s}, %{ endfor }"
  stripped   = "a %{~ if true ~} b %{~ endif ~} c"
  escaped    = "literal $${not_interpolated} and %%{not_a_directive} and $ and %"
  unicode    = "caf\u00e9 \U0001F600 tab\there \"quoted\" back\\slash"
  nested     = "outer ${"inner ${var.x} text"} end"
  numbers    = "n=${1.50} e=${1e3} b=${true}"
  cond_interp = "${var.enabled ? "on" : "off"}-suffix"
  only_interp = "${var.value}"
  literal_in  = "${"just a string"}"
  spaced      = "${ var.spaced }"
  user_data = <<-EOT
    #!/bin/bash
    %{ for pkg in var.packages ~}
    yum install -y ${pkg}
    %{ endfor ~}
    echo "done: ${length(var.packages)} packages"
    %{~ if var.reboot ~}
    reboot
    %{~ endif ~}
  EOT
  script = <<EOT
line one
  ${var.indented}
%{ if var.debug }debug on%{ endif }
$${HOME} stays
EOT
}
