"""The reviewers' side: the queue, the review screen and its actions, the decision, the audit timeline, and
registering an application received by another channel. It may use the applicant side's services (to act
on an applicant's behalf); the applicant side never imports from here."""
