"""Contact blocks: "Tel:"-style lines, addresses and bare values are contacts; sentences are not."""

import pytest

from qa.ingest.contacts import is_contact_block, is_contact_line


@pytest.mark.parametrize("contact", [
    "Tel: +855 23 216 122\nWebsite: www.mfaic.gov.kh",
    "P.O. Box 1234\nE-mail: info@example.gov\nhttps://www.example.gov",
    "Phone: (855) 23 214 441",
    "Address: No. 3A, Street 169, Phnom Penh 12000\nP.O. Box 2158",
    "Contact: Jane Doe, +1 202 555 0100 or press@example.gov",
    "Téléphone : +33 1 43 17 53 53\nCourriel : presse@diplomatie.gouv.fr",
    "Email: <https://ovs.ny.gov/contact>\nPhone: 800–247–8035",
])
def test_contact_blocks_of_any_kind_are_recognised(contact):
    assert is_contact_block(contact.split("\n"))


@pytest.mark.parametrize("sentence", [
    "E-mail: applications for the Mekong scholarship close on 30 June 2023 and the ministry will reply "
    "within two weeks.",
    "Phone: the hotline 1 800 555 0199 opens on Monday at 9 am for families affected by the floods.",
    "Address: the minister's speech at the opening of the 2023 ASEAN summit will be broadcast live.",
    "Website: the new portal at www.evisa.gov.kh lists every visa type and its fee.",
])
def test_sentences_that_start_with_a_contact_label_are_not_contacts(sentence):
    assert not is_contact_line(sentence)
    assert not is_contact_block([sentence])


def test_a_block_of_bare_values_without_a_labelled_line_is_not_a_contact_block():
    assert not is_contact_block(["+855 23 216 122", "press@example.org"])
