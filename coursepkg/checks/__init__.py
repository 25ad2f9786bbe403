"""Exercise checks: compare a student's function with the reference and explain mistakes."""
