locals {
  café        = "unicode identifier"
  snake-dash  = "dashes are allowed in identifiers"
  _underscore = 1
  emoji       = "😀 in a string"
  ümlaut_key = { größe = "groß", "clé" = "valeur" }
}
