"""`kursadmin demo`: the whole system in one process — sandbox Canvas, Ladok and LTI platform, worker and tool."""
