file(REMOVE_RECURSE
  "libtarn.a"
  "libtarn.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/tarn_static.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
