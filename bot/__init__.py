"""Recovery companion bot: crisis handoff, guidance answers and check-ins for people recovering from opioids."""
