file(REMOVE_RECURSE
  "libtarn.pdb"
  "libtarn.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/tarn_shared.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
