file(REMOVE_RECURSE
  "CMakeFiles/tarn_obj.dir/src/util/alloc.c.o"
  "CMakeFiles/tarn_obj.dir/src/util/alloc.c.o.d"
  "CMakeFiles/tarn_obj.dir/src/util/err.c.o"
  "CMakeFiles/tarn_obj.dir/src/util/err.c.o.d"
  "CMakeFiles/tarn_obj.dir/src/util/sbuf.c.o"
  "CMakeFiles/tarn_obj.dir/src/util/sbuf.c.o.d"
  "CMakeFiles/tarn_obj.dir/src/util/types.c.o"
  "CMakeFiles/tarn_obj.dir/src/util/types.c.o.d"
  "CMakeFiles/tarn_obj.dir/src/util/vector.c.o"
  "CMakeFiles/tarn_obj.dir/src/util/vector.c.o.d"
  "CMakeFiles/tarn_obj.dir/src/vfs/vfs_posix.c.o"
  "CMakeFiles/tarn_obj.dir/src/vfs/vfs_posix.c.o.d"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/tarn_obj.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()
