"""The applicant's side: accounts, organisations, the draft's steps, submission and withdrawal, and the pages
the applicant sees of a submitted application (its status and the decision letter)."""
