# Empty compiler generated dependencies file for tarn_shared.
# This may be replaced when dependencies are built.
