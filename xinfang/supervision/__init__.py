"""Listed supervision (四色挂牌督办) and backlog campaigns (积案攻坚): the board,
chasing letters, the escalation ladder, campaigns and the weekly bulletin. Rank 5:
builds on leadership (a listed matter's owner and plan)."""
