"""Tables of the ambassador programme (app label ``ambassadors``), by concern: ladder.py (levels,
members), charter.py, actions.py (platforms, campaigns, action types, actions, decisions),
badges.py. ``ambassadors/models.py`` exports them all."""
