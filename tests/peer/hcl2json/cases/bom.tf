variable "bom" {
  default = "file starts with a byte order mark"
}
