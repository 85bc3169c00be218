"""schema.org JSON-LD of a clinic page: a ``Hospital`` or a ``MedicalClinic``, with properties of those types only."""


def clinic_json_ld(clinic, request, accreditations, treatments):
    url = request.build_absolute_uri(clinic.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Hospital" if clinic.kind == clinic.Kind.HOSPITAL else "MedicalClinic",
        "@id": f"{url}#clinic",
        "name": clinic.name,
        "url": url,
        "description": clinic.description,
        "address": {"@type": "PostalAddress", "addressLocality": clinic.city, "addressCountry": clinic.country.code},
        "sameAs": clinic.website,
        "knowsLanguage": list(clinic.languages),
        "availableService": [{"@type": "MedicalProcedure", "name": treatment.name} for treatment in treatments],
        # Valid accreditations only: an expired one is nowhere presented as held.
        "hasCredential": [
            {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "accreditation",
                "name": accreditation.body_name,
                "recognizedBy": {"@type": "Organization", "name": accreditation.body_name},
                "expires": accreditation.valid_until.isoformat(),
            }
            for accreditation in accreditations
        ],
    }
    return {key: value for key, value in data.items() if value not in (None, [], "")}
