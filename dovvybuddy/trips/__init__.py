"""Trip matching: "where should I go", answered from the knowledge base's season and site data.

`seasons` reads each destination's season, permits, water and travel times
and each site's level and interest tags from knowledge/ front matter;
`request` reads what a diver asked for from their words (month, days,
interests, level, origin, the destinations they compare); `ranking` ranks the
destinations for that request and `replies` words the answer. Nothing here
imports Rasa: actions/trip_matching.py is the glue.
"""
