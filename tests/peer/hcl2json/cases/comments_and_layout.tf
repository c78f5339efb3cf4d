/*
 * A block comment before everything.
 */
# threegate:ignore TG201 reason: the account root is intended here
resource "aws_kms_key" "commented" { # trailing comment on a block header
  description = "x" // a C++-style comment
  # a comment line inside the body
  policy = jsonencode({ # comment inside an object
    Version = "2012-10-17" # another
    /* inline */ Statement = []
  })
  tags = {
    // comment in an object
    a = "1"

    b = "2"
  }
}

one_line { a = 1 }
empty_block {}
empty_block_spaces {   }
block_with_bare_labels bare1 bare2 {
  x = true
}
mixed_labels "quoted" bare {
  y = false
}
attr_at_top = "top"
