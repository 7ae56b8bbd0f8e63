# Empty compiler generated dependencies file for util_test_vector.
# This may be replaced when dependencies are built.
