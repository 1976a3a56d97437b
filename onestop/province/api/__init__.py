"""HTTP layer of the provincial server: dependencies (`deps`) and one router per group (`routes/`)."""
