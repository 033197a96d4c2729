"""Capacity needs and requests for assistance expressed by Parties and IPLC organisations, and
their triage by the help desk.
"""
