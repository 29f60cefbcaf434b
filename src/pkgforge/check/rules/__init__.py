"""The rule catalogue: one module per family, registered in :mod:`.base`."""
