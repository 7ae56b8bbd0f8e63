file(REMOVE_RECURSE
  "CMakeFiles/util_test_vector.dir/test/unit/util/test_vector.c.o"
  "CMakeFiles/util_test_vector.dir/test/unit/util/test_vector.c.o.d"
  "util_test_vector"
  "util_test_vector.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/util_test_vector.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
