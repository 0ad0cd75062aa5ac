"""kiemchung tests."""
