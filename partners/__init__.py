"""Partner organisations and their databases: offers of support, initiatives, resources,
opportunities, events and agreements.
"""
