# Empty dependencies file for tarn_static.
# This may be replaced when dependencies are built.
