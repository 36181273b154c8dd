"""The supervision area's personas, for every test module here (built on the root
conftest's demo_tree and make_person)."""
