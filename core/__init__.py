"""Domain code shared by every app: money, Vietnamese notation, names, fiscal dates.

Nothing here imports Django apps, so every app may import it.
"""
