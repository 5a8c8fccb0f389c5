"""Answers: the kind of question, whether the corpus answers it, the template that quotes
the clauses, and the check that every quoted span is in the clause it cites."""
