
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/util/alloc.c" "CMakeFiles/tarn_obj.dir/src/util/alloc.c.o" "gcc" "CMakeFiles/tarn_obj.dir/src/util/alloc.c.o.d"
  "/work/main/src/util/err.c" "CMakeFiles/tarn_obj.dir/src/util/err.c.o" "gcc" "CMakeFiles/tarn_obj.dir/src/util/err.c.o.d"
  "/work/main/src/util/sbuf.c" "CMakeFiles/tarn_obj.dir/src/util/sbuf.c.o" "gcc" "CMakeFiles/tarn_obj.dir/src/util/sbuf.c.o.d"
  "/work/main/src/util/types.c" "CMakeFiles/tarn_obj.dir/src/util/types.c.o" "gcc" "CMakeFiles/tarn_obj.dir/src/util/types.c.o.d"
  "/work/main/src/util/vector.c" "CMakeFiles/tarn_obj.dir/src/util/vector.c.o" "gcc" "CMakeFiles/tarn_obj.dir/src/util/vector.c.o.d"
  "/work/main/src/vfs/vfs_posix.c" "CMakeFiles/tarn_obj.dir/src/vfs/vfs_posix.c.o" "gcc" "CMakeFiles/tarn_obj.dir/src/vfs/vfs_posix.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")
