"""Course catalogue and learning management: enrolment, lessons, quizzes, certificates, feedback
and alumni.
"""
