"""
Where patients' medical records are kept: ``STORAGES["records"]``, the folder PRIVATE_MEDIA_ROOT by default or a
private bucket (DJANGO_S3_PRIVATE_BUCKET), never the public media storage. Records have no URL: staff download them
through the admin, which checks permissions and logs each download.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible

RECORDS = "records"


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (outside MEDIA_ROOT), with no URL."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Medical records have no URL.")


# The path the migrations know the records' storage by.
@deconstructible(path="quotes.models.PrivateStorage")
class PrivateStorage(Storage):
    """The storage of ``MedicalRecord.file``: hands everything to ``STORAGES["records"]``, looked up on each use,
    and refuses to make a URL whatever that storage is."""

    @property
    def backend(self):
        return storages[RECORDS]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def delete(self, name):
        self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def size(self, name):
        return self.backend.size(name)

    def path(self, name):
        return self.backend.path(name)

    def url(self, name):
        raise ValueError("Medical records have no URL: staff download them through the admin.")
