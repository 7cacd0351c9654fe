# Pure business rules of the relances: plain Python, no ORM, tested with pytest in ../../tests.
