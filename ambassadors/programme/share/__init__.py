"""The share kit: approved posts that programme members relay in one click, their tracked
links (``/s/<code>``) and the privacy-preserving count of the clicks they bring."""
