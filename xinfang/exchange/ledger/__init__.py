"""台账导入: an office's earlier ledgers (.xlsx/.csv) of petitions and disputes
become historical matters (issue 15). One topic per module:

- fields: the fields a ledger's columns map to, and the usual Chinese headers;
- reading: the file, streamed (openpyxl read-only, csv in UTF-8/GBK);
- rows: one row checked and turned into a matter's terms, its natural key;
- services: upload, start (saving the mapping, queueing the task), resume;
- run: the batched run (the task's body);
- selectors: the pages' reads;
- tasks: the background task on the project's runner (core.tasks);
- report: the rejected rows as a .csv;
- permissions, forms, views, urls: the administrator's pages.
"""
