"""Instagram: Instagram Login OAuth and Reels publishing through the Graph API (plain HTTP)."""
