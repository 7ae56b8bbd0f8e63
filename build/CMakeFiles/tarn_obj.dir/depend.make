# Empty dependencies file for tarn_obj.
# This may be replaced when dependencies are built.
