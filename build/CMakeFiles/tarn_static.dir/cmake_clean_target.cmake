file(REMOVE_RECURSE
  "libtarn.a"
)
