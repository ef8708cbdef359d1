"""Khomun, the Central Data Center of the Community Development Department."""
